// Renders apps/multitenant-sse/.env.example (the one list of the service's variables) as the
// configuration table of apps/multitenant-sse/README.md, between its env-table markers.
// `npx nx run multitenant-sse:env-table` rewrites the README's table (scripts/write-env-table.ts);
// config.spec.ts fails when the README's table differs from what this renders.

export const START = '<!-- env-table:start (generated from .env.example by scripts/env-table.ts) -->';
export const END = '<!-- env-table:end -->';

/** The markdown table of `.env.example`: one row per variable, grouped by its `# --- section ---` lines. */
export function renderEnvTable(example: string): string {
  const rows = ['| variable | default | what it does |', '| --- | --- | --- |'];
  let comment: string[] = [];
  for (const raw of example.split('\n')) {
    const line = raw.trim();
    const section = /^# --- (.+) ---$/.exec(line);
    if (section) {
      rows.push(`| **${section[1]}** | | |`);
      comment = [];
    } else if (line.startsWith('#')) {
      comment.push(line.replace(/^#\s?/, ''));
    } else if (/^[A-Z][A-Z0-9_]*=/.test(line)) {
      rows.push(variableRow(line.slice(0, line.indexOf('=')), comment.join(' ')));
      comment = [];
    } else if (line === '') {
      // A note right under a section title (followed by a blank line) describes the whole section.
      const last = rows.length - 1;
      if (comment.length && rows[last].endsWith('| | |')) rows[last] = rows[last].replace(/\| \| \|$/, `| | ${escape(comment.join(' '))} |`);
      comment = [];
    }
  }
  return rows.join('\n');
}

function variableRow(name: string, text: string): string {
  const at = text.lastIndexOf('Default:');
  const meaning = (at === -1 ? text : text.slice(0, at)).trim().replace(/\.$/, '');
  const fallback = at === -1 ? '' : text.slice(at + 'Default:'.length).trim().replace(/\.$/, '');
  return `| \`${name}\` | ${escape(fallback)} | ${escape(meaning)} |`;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The README with its table replaced by `table`. */
export function withEnvTable(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`README has no ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}
