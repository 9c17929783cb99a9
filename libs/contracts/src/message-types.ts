/** Every message type on the wire: `<subject>.<verb>.v<N>`. */
export enum MessageType {
  PasswordReset = 'password.reset.v1',
  PasswordChange = 'password.change.v1',
  AccountUnlock = 'account.unlock.v1',
  CredentialsVerify = 'credentials.verify.v1',
  ConnectionTest = 'connection.test.v1',
  WritebackResult = 'writeback.result.v1',
  AgentHeartbeat = 'agent.heartbeat.v1',
  DirectorySync = 'directory.sync.v1',
}

/** Commands travel cloud → agent; the rest travel agent → cloud. */
export const COMMAND_TYPES = [
  MessageType.PasswordReset,
  MessageType.PasswordChange,
  MessageType.AccountUnlock,
  MessageType.CredentialsVerify,
  MessageType.ConnectionTest,
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

export function isCommandType(type: MessageType): type is CommandType {
  return (COMMAND_TYPES as readonly MessageType[]).includes(type);
}
