// Which conformance scenarios apply to the service (a tools server on our tool contract), the checks
// of theirs that do not pass and why, and why the others do not apply. The root README's
// "Conformance" table is this one with the measured results; conformance.e2e.spec.ts holds the service to it.
import type { CheckStatus } from './conformance-suite';

export type SpecVersion = '2025-11-25' | '2026-07-28';
export const SPEC_VERSIONS: readonly SpecVersion[] = ['2025-11-25', '2026-07-28'];
/** The service's two ways of serving the 2025 era: sessions (default) or `STATELESS=true`. 2026-07-28 is stateless either way. */
export type ServiceMode = 'stateful' | 'stateless';

interface Exception {
  id: string;
  status: CheckStatus;
  reason: string;
}

/** Scenario → why it does not apply. */
type NotApplicable = Record<string, string>;

const NO_PROMPTS_RESOURCES = 'a tools server: no prompts, resources or completions (the scenario fails on Method not found)';
const NO_SAMPLING = 'needs sampling, which tool code cannot ask for through ctx (ctx.elicit asks the user; there is no ctx.sample)';
const KEYS_AND_STATE =
  'prescribes the keys of the input requests or a requestState the tool sets; core-factory keys each question itself (position + digest of what the user sees) and keeps earlier answers in its own requestState';
const NO_WAY_BACK = 'a stateless 2025-era request has no way back to the client: ctx.elicit answers isError (ERR_ELICITATION_UNSUPPORTED) without asking';

const NOT_APPLICABLE_BOTH: NotApplicable = {
  'completion-complete': NO_PROMPTS_RESOURCES,
  'resources-list': NO_PROMPTS_RESOURCES,
  'resources-read-text': NO_PROMPTS_RESOURCES,
  'resources-read-binary': NO_PROMPTS_RESOURCES,
  'resources-templates-read': NO_PROMPTS_RESOURCES,
  'prompts-list': NO_PROMPTS_RESOURCES,
  'prompts-get-simple': NO_PROMPTS_RESOURCES,
  'prompts-get-with-args': NO_PROMPTS_RESOURCES,
  'prompts-get-embedded-resource': NO_PROMPTS_RESOURCES,
  'prompts-get-with-image': NO_PROMPTS_RESOURCES,
};

const NOT_APPLICABLE: Record<SpecVersion, NotApplicable> = {
  '2025-11-25': {
    ...NOT_APPLICABLE_BOTH,
    'resources-subscribe': NO_PROMPTS_RESOURCES,
    'resources-unsubscribe': NO_PROMPTS_RESOURCES,
    'tools-call-sampling': NO_SAMPLING,
    'server-sse-polling':
      'resumability: the 2025-era transport keeps no event store (no SSE event ids, no Last-Event-ID replay; mcp-auth README); the suite marks the scenario pending and reports only warnings',
  },
  '2026-07-28': {
    ...NOT_APPLICABLE_BOTH,
    'sep-2164-resource-not-found': NO_PROMPTS_RESOURCES,
    'input-required-result-non-tool-request': `${NO_PROMPTS_RESOURCES} (it asks through prompts/get)`,
    'input-required-result-basic-sampling': NO_SAMPLING,
    'input-required-result-capability-check': NO_SAMPLING,
    'input-required-result-basic-list-roots': 'needs roots/list, which tool code cannot ask for through ctx',
    'input-required-result-request-state': KEYS_AND_STATE,
    'input-required-result-multiple-input-requests': KEYS_AND_STATE,
    'input-required-result-multi-round': KEYS_AND_STATE,
    'input-required-result-tampered-state': KEYS_AND_STATE,
  },
};

/** Extension scenarios (tasks, skills) are not part of any revision's requirements and are not served. */
const EXTENSION = /^(tasks-|sep-2640-)/;

/** Scenarios of both eras that pass every check. */
const BOTH_ERAS = [
  'tools-list',
  'tools-call-simple-text',
  'tools-call-image',
  'tools-call-audio',
  'tools-call-embedded-resource',
  'tools-call-mixed-content',
  'tools-call-error',
  'tools-call-with-progress',
  'json-schema-2020-12',
  'server-sse-multiple-streams',
  'dns-rebinding-protection',
];
const allPass = (scenarios: readonly string[]) => Object.fromEntries(scenarios.map((scenario) => [scenario, [] as readonly Exception[]]));

/** Scenario → the checks of it that do not pass where it applies (none: every check passes). */
const APPLICABLE: Record<SpecVersion, Record<string, readonly Exception[]>> = {
  '2025-11-25': {
    'server-initialize': [],
    'server-session-lifecycle': [],
    'logging-set-level': [],
    ping: [],
    ...allPass(BOTH_ERAS),
    'tools-call-with-logging': [],
    'tools-call-elicitation': [],
    'elicitation-sep1034-defaults': [],
    'elicitation-sep1330-enums': [],
  },
  '2026-07-28': {
    'server-stateless': [
      { id: 'sep-2575-server-rejects-undeclared-capability', status: 'FAILURE', reason: `"Not testable": no test_missing_capability tool; it ${NO_SAMPLING}` },
      { id: 'sep-2575-missing-capability-http-400', status: 'FAILURE', reason: 'the same probe, its HTTP status' },
      { id: 'sep-2575-server-sends-tools-list-changed-on-subscription', status: 'SKIPPED', reason: 'the tool list never changes at run time (no listChanged capability)' },
      { id: 'sep-2575-server-sends-prompts-list-changed-on-subscription', status: 'SKIPPED', reason: 'no prompts' },
    ],
    'http-header-validation': [],
    // SEP-2243 Mcp-Param-* headers: checked by mcp-auth (wrapServer's toolInputSchema), held to the SDK's McpServer answers by param-headers.differential.spec.ts.
    'http-custom-header-server-validation': [],
    caching: [
      { id: 'sep-2549-prompts-list-caching-hints', status: 'FAILURE', reason: 'no prompts: prompts/list is Method not found' },
      { id: 'sep-2549-resources-list-caching-hints', status: 'FAILURE', reason: 'no resources: resources/list is Method not found' },
      { id: 'sep-2549-resources-templates-list-caching-hints', status: 'FAILURE', reason: 'no resources: resources/templates/list is Method not found' },
      { id: 'sep-2549-resources-read-caching-hints', status: 'SKIPPED', reason: 'no resources to read' },
    ],
    ...allPass(BOTH_ERAS),
    'input-required-result-basic-elicitation': [{ id: 'sep-2322-elicitation-incomplete', status: 'FAILURE', reason: `expects the key "user_name": it ${KEYS_AND_STATE}` }],
    'input-required-result-ignore-extra-params': [{ id: 'sep-2322-ignore-unexpected-params', status: 'WARNING', reason: 'answers under "user_name", a key core-factory never asks under, so the question stays open' }],
    'input-required-result-missing-input-response': [],
    'input-required-result-result-type': [],
    'input-required-result-unsupported-methods': [],
    'input-required-result-validate-input': [],
  },
};

/** What the 2025 era's stateless mode changes: scenarios about sessions, GET streams and asking the client. */
const STATELESS_2025_NOT_APPLICABLE: NotApplicable = {
  'server-session-lifecycle': 'no sessions when stateless (the suite reports it skipped)',
  'server-sse-multiple-streams': 'no GET stream when stateless (405); the suite warns server-sse-multiple-streams-session',
  'tools-call-elicitation': NO_WAY_BACK,
  'elicitation-sep1034-defaults': NO_WAY_BACK,
  'elicitation-sep1330-enums': NO_WAY_BACK,
};

/** The scenarios that apply at `version` in `mode`, each with the checks of it expected not to pass: `{ id: status }`. */
export function applicableScenarios(version: SpecVersion, mode: ServiceMode): Map<string, Record<string, CheckStatus>> {
  const skipped = mode === 'stateless' && version === '2025-11-25' ? STATELESS_2025_NOT_APPLICABLE : {};
  return new Map(
    Object.entries(APPLICABLE[version])
      .filter(([scenario]) => !(scenario in skipped))
      .map(([scenario, exceptions]) => [scenario, Object.fromEntries(exceptions.map((e) => [e.id, e.status]))]),
  );
}

/** Why `scenario` does not apply at `version` in `mode`, or undefined when it does (or is unknown). */
export function notApplicableReason(scenario: string, version: SpecVersion, mode: ServiceMode): string | undefined {
  if (EXTENSION.test(scenario)) return 'an extension (tasks, skills): not required by any revision, not served';
  if (mode === 'stateless' && version === '2025-11-25' && scenario in STATELESS_2025_NOT_APPLICABLE) return STATELESS_2025_NOT_APPLICABLE[scenario];
  return NOT_APPLICABLE[version][scenario];
}
