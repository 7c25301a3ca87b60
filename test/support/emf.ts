// Reads the CloudWatch Embedded Metric Format lines a function writes to stdout, as CloudWatch
// would: one line, one object, whose `_aws.CloudWatchMetrics` says which properties are metrics
// and which dimensions they are published under.

export interface EmfBlob {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [property: string]: unknown;
}

/** One metric value as CloudWatch stores it: its namespace, name, unit, dimensions and value(s). */
export interface EmfMetric {
  namespace: string;
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  value: number | number[];
}

export const emfBlobsIn = (text: string): EmfBlob[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfBlob);

/**
 * Checks what CloudWatch would reject or misread: more than 100 metrics in one object, no or
 * repeated dimension sets, a dimension or metric missing from the object, dimensions that are
 * not strings, more than 100 values of one metric. Throws with the offending line.
 */
export const checkEmfBlob = (blob: EmfBlob): void => {
  const fail = (why: string) => {
    throw new Error(`invalid EMF (${why}): ${JSON.stringify(blob)}`);
  };
  const directives = blob._aws?.CloudWatchMetrics;
  if (!Number.isInteger(blob._aws?.Timestamp) || !Array.isArray(directives) || directives.length !== 1) fail('one metric directive with a timestamp');
  const directive = directives[0] as (typeof directives)[0];
  if (directive.Metrics.length === 0 || directive.Metrics.length > 100) fail('1 to 100 metrics');
  if (directive.Dimensions.length === 0) fail('a dimension set');
  const sets = directive.Dimensions.map((set) => JSON.stringify([...set].sort()));
  if (new Set(sets).size !== sets.length) fail('duplicate dimension sets');
  for (const set of directive.Dimensions) {
    if (set.length > 30) fail('at most 30 dimensions');
    for (const name of set) if (typeof blob[name] !== 'string' || blob[name] === '') fail(`dimension ${name} is not a string`);
  }
  const names = directive.Metrics.map((metric) => metric.Name);
  if (new Set(names).size !== names.length) fail('a metric named twice');
  for (const { Name } of directive.Metrics) {
    const value = blob[Name];
    const values = Array.isArray(value) ? value : [value];
    if (values.length > 100 || values.some((entry) => typeof entry !== 'number' || !Number.isFinite(entry))) fail(`metric ${Name} is not 1 to 100 numbers`);
  }
};

/** Every metric of every line, checked; one entry per metric and dimension set. */
export const emfMetrics = (text: string): EmfMetric[] =>
  emfBlobsIn(text).flatMap((blob) => {
    checkEmfBlob(blob);
    const directive = blob._aws.CloudWatchMetrics[0] as EmfBlob['_aws']['CloudWatchMetrics'][0];
    return directive.Dimensions.flatMap((set) =>
      directive.Metrics.map((metric) => ({
        namespace: directive.Namespace,
        name: metric.Name,
        unit: metric.Unit,
        dimensions: Object.fromEntries(set.map((name) => [name, blob[name] as string])),
        value: blob[metric.Name] as number | number[],
      })),
    );
  });

/** Runs `action` and answers what it wrote to stdout meanwhile (still written through). */
export const capturingStdout = async <T>(action: () => Promise<T>): Promise<{ result: T; stdout: string }> => {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    const result = await action();
    return { result, stdout: chunks.join('') };
  } finally {
    process.stdout.write = write;
  }
};

/** Sorted, so two lists of metrics compare equal whatever order they were written in. */
export const sortedMetrics = (metrics: EmfMetric[]): EmfMetric[] =>
  [...metrics].sort((a, b) => (JSON.stringify([a.name, a.dimensions]) < JSON.stringify([b.name, b.dimensions]) ? -1 : 1));
