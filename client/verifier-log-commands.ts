/** The verifier-log language of package.json's contributes.languages (syntaxes/bpf-verifier-log.tmLanguage.json). */
export const VERIFIER_LOG_LANGUAGE = 'bpf-verifier-log';
