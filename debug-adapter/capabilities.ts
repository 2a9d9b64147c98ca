import type { DebugProtocol } from '@vscode/debugprotocol';

/**
 * What the adapter tells the client it does (the initialize response). Stepping goes both ways along the verifier's
 * path, so step back and reverse continue are real; "restart" builds and verifies again.
 */
export const ADAPTER_CAPABILITIES: DebugProtocol.Capabilities = {
  supportsConfigurationDoneRequest: true,
  supportsExceptionInfoRequest: true,
  supportsTerminateRequest: true,
  supportsStepBack: true,
  supportsRestartRequest: true,
  supportsDisassembleRequest: true,
  supportsGotoTargetsRequest: true,
  supportsInstructionBreakpoints: true,
  supportsSteppingGranularity: true,
  supportsEvaluateForHovers: true,
};
