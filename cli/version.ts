import pkg from '../package.json';

/** The package version, for tool metadata (SARIF). */
export const TOOL_VERSION: string = pkg.version;
