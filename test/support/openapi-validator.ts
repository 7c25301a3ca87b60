import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { DEFAULT_JWT_SCOPES } from '#lib/config/jwt-scopes.ts';
import { buildOpenApiDocument, UNMATCHED_ROUTE_EXTENSION } from '#lib/openapi/document.ts';

// Holds every answer the contract tests receive to the OpenAPI description (lib/openapi/): the
// operation is found from the request's method and path, the response from the status, and the
// headers and body are validated with Ajv (JSON Schema 2020-12, OpenAPI 3.1's dialect). Anything
// the description does not say is a mismatch: an operation, a status, a media type, a field.
// A request that matches no route must be answered as the description's unmatched-route entry
// says (the catch-all's 404 NOT_FOUND, or 405 METHOD_NOT_ALLOWED on a known path).

type Json = Record<string, any>;

const DOCUMENT_ID = 'https://livegate.invalid/openapi.json';
// The keywords of the OpenAPI document around its schemas: known to Ajv, so strict mode still
// refuses a misspelt keyword inside a schema.
const ENVELOPE_KEYWORDS = ['openapi', 'info', 'servers', 'tags', 'paths', 'components', 'security', UNMATCHED_ROUTE_EXTENSION];

export interface ReceivedAnswer {
  method: string;
  /** The path and query the request was sent to, relative to the API's base URL. */
  pathAndQuery: string;
  status: number;
  headers: Headers;
  text: string;
}

export class AnswerMismatch extends Error {
  override name = 'AnswerMismatch';
}

const escapePointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** The described path a request path is an instance of: literal segments equal, each `{param}` a non-empty segment. */
export const matchPathTemplate = (templates: readonly string[], path: string): string | undefined => {
  const actual = path.split('/');
  const matching = templates.filter((template) => {
    const expected = template.split('/');
    return expected.length === actual.length && expected.every((segment, i) => (segment.startsWith('{') ? actual[i] !== '' : segment === actual[i]));
  });
  // A literal segment is a better match than a parameter (as in API Gateway).
  const literals = (template: string) => template.split('/').filter((segment) => !segment.startsWith('{')).length;
  return matching.sort((a, b) => literals(b) - literals(a))[0];
};

export const createAnswerValidator = (document: Json = buildOpenApiDocument(DEFAULT_JWT_SCOPES)) => {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  // ajv-formats is CommonJS; its plugin is also its own `default`, which works under both module systems.
  formats.default(ajv);
  ajv.addVocabulary(ENVELOPE_KEYWORDS);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (pointer: string): ValidateFunction => {
    const known = compiled.get(pointer);
    if (known) return known;
    const validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
    compiled.set(pointer, validate);
    return validate;
  };
  const resolve = (object: Json, pointer: string): { object: Json; pointer: string } => {
    if (typeof object.$ref !== 'string') return { object, pointer };
    const target = object.$ref.slice(1);
    const resolved = target
      .split('/')
      .slice(1)
      .reduce((node: Json, segment: string) => node[segment.replace(/~1/g, '/').replace(/~0/g, '~')], document);
    return resolve(resolved, target);
  };
  const templates = Object.keys(document.paths);

  /** The response object the answer must match, and where it is in the document. */
  const describedResponse = (method: string, path: string, status: number): { object: Json; pointer: string; where: string } => {
    const template = matchPathTemplate(templates, path);
    const unmatched = (expected: number, why: string) => {
      if (status !== expected) throw new AnswerMismatch(`${method} ${path} ${why}, so the answer must be ${expected}, not ${status}`);
      return { ...resolve(document[UNMATCHED_ROUTE_EXTENSION][expected], ''), where: `unmatched route (${expected})` };
    };
    if (template === undefined) return unmatched(404, 'matches no described path');
    const operation = document.paths[template][method.toLowerCase()];
    if (!operation) return unmatched(405, `has no ${method} operation on ${template}`);
    const pointer = `/paths/${escapePointer(template)}/${method.toLowerCase()}/responses/${status}`;
    const response = operation.responses[String(status)];
    if (!response)
      throw new AnswerMismatch(`${method} ${template}: status ${status} is not described (described: ${Object.keys(operation.responses).join(', ')})`);
    return { ...resolve(response, pointer), where: `${method} ${template} ${status}` };
  };

  const checkValue = (validate: ValidateFunction, value: unknown, what: string): void => {
    if (!validate(value)) {
      throw new AnswerMismatch(`${what} does not match the description: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
    }
  };

  /** Compiles every response schema now (strict mode refuses a doubtful schema at compile time, not at a test's first answer). */
  const compileEverySchema = (): number => {
    let count = 0;
    const responses = Object.entries(document.paths as Json).flatMap(([template, operations]) =>
      Object.entries(operations as Json).flatMap(([method, operation]) =>
        Object.entries(operation.responses as Json).map(([status, response]) =>
          resolve(response, `/paths/${escapePointer(template)}/${method}/responses/${status}`),
        ),
      ),
    );
    for (const response of responses) {
      for (const [name, header] of Object.entries((response.object.headers ?? {}) as Json)) {
        validatorAt(`${resolve(header, `${response.pointer}/headers/${escapePointer(name)}`).pointer}/schema`);
        count++;
      }
      for (const mediaType of Object.keys(response.object.content ?? {})) {
        validatorAt(`${response.pointer}/content/${escapePointer(mediaType)}/schema`);
        count++;
      }
    }
    return count;
  };

  /** Throws AnswerMismatch when the answer is not what the description says. */
  const check = (answer: ReceivedAnswer): void => {
    const method = answer.method.toUpperCase();
    // The path as it went on the wire: a client resolves dot segments (`.`, `..`, `%2E`) before
    // sending, so `/v1/groups/./online-count` reaches the API as `/v1/groups/online-count`.
    const path = new URL(`http://api.invalid${answer.pathAndQuery}`).pathname;
    const response = describedResponse(method, path, answer.status);
    const where = response.where;
    for (const [name, header] of Object.entries((response.object.headers ?? {}) as Json)) {
      const described = resolve(header, `${response.pointer}/headers/${escapePointer(name)}`);
      const value = answer.headers.get(name);
      if (value === null) {
        if (described.object.required) throw new AnswerMismatch(`${where}: header ${name} is required but absent`);
        continue;
      }
      checkValue(validatorAt(`${described.pointer}/schema`), value, `${where}: header ${name} (${JSON.stringify(value)})`);
    }
    const content = response.object.content as Json | undefined;
    if (!content) {
      if (answer.text !== '') throw new AnswerMismatch(`${where}: no body is described, got ${JSON.stringify(answer.text.slice(0, 200))}`);
      return;
    }
    const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!(mediaType in content))
      throw new AnswerMismatch(`${where}: content-type ${mediaType || '(none)'} is not described (described: ${Object.keys(content).join(', ')})`);
    let body: unknown = answer.text;
    if (mediaType === 'application/json') {
      try {
        body = JSON.parse(answer.text);
      } catch {
        throw new AnswerMismatch(`${where}: the body is not JSON: ${JSON.stringify(answer.text.slice(0, 200))}`);
      }
    }
    checkValue(validatorAt(`${response.pointer}/content/${escapePointer(mediaType)}/schema`), body, `${where}: body ${answer.text.slice(0, 300)}`);
  };
  return Object.assign(check, { compileEverySchema });
};

let shared: ReturnType<typeof createAnswerValidator> | undefined;
/** The validator of the description as built from this checkout (compiled once per test file). */
export const validateAnswer = (answer: ReceivedAnswer): void => {
  shared ??= createAnswerValidator();
  shared(answer);
};
