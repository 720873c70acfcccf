// `mcp-factory-stdio` (`.`): importing it starts the stdio server; it exports nothing.
// Build servers in your own process with `mcp-factory-stdio/factory`.
export {};
