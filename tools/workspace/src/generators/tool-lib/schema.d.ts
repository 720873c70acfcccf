/** Options of `nx g @mcp-factory/workspace:tool-lib` (see schema.json). */
export interface ToolLibGeneratorSchema {
  /**
   * The library name in kebab-case, without the `tools-` prefix: `weather` creates
   * `libs/tools-weather` (`@mcp-factory/tools-weather`) with the tools `weather_note_save` and
   * `weather_note_get`.
   */
  name: string;
}
