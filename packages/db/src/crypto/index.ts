// Credential encryption: keys from the environment, AES-256-GCM values with a key id.
export * from './encryption-keys';
export * from './credentials';
