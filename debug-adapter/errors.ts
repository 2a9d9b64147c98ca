/** DAP error ids this adapter reports; all are shown to the user with the message that says what to do. */
export const enum DapErrorId {
  BadLaunch = 3001,
  BuildFailed = 3002,
  Environment = 3003,
  Internal = 3099,
}
