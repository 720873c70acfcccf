export { conformanceTools, CONFORMANCE_TOOL_NAMES } from './lib/conformance-tools';
