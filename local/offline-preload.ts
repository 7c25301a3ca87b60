import { createRequire } from 'node:module';

// Loaded into the serverless-offline process only. Its router (hapi) answers a path with
// malformed percent-encoding with its own plain 400 before any function runs; API Gateway
// hands such paths to the function, which answers the contract's INVALID_ARGUMENT. Passing
// the undecoded segment through keeps the local API's answers the same as the deployed one's.
const require = createRequire(import.meta.url);
const decoder = require('@hapi/call/lib/decode.js') as { decode: (value: string) => string | null };
const decodeStrictly = decoder.decode;
decoder.decode = (value: string) => decodeStrictly(value) ?? value;
