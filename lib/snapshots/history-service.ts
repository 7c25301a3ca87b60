import { readStorageSettings } from './settings.ts';
import { DynamoSnapshotStore } from './store-dynamodb.ts';
import type { SnapshotStore } from './store.ts';

let store: SnapshotStore | undefined;
let defaultAppId: string | undefined;

/** The history functions' store and default RTC AppId, built once per container. */
export const historyStore = (): SnapshotStore => {
  if (!store) {
    const settings = readStorageSettings();
    store = new DynamoSnapshotStore({ tableName: settings.tableName, retentionDays: settings.retentionDays });
    defaultAppId = settings.defaultRtcAppId;
  }
  return store;
};

export const defaultRtcAppId = (): string | undefined => {
  historyStore();
  return defaultAppId;
};
