import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { countAwsCalls } from '#lib/metrics/aws-sdk.ts';

// One DynamoDB client per container, whichever tables it serves. The SDK honours
// AWS_ENDPOINT_URL_DYNAMODB, which is how local runs and tests reach dynalite.
let shared: DynamoDBDocumentClient | undefined;

export const documentClient = (): DynamoDBDocumentClient => {
  if (!shared) {
    const client = new DynamoDBClient({ maxAttempts: 4, requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 } });
    countAwsCalls(client, 'aws-dynamodb');
    shared = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }
  return shared;
};
