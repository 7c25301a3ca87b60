import v8 from 'node:v8';

/**
 * The live heap of this thread: used heap right after full collections (needs --expose-gc).
 * Two collections a task apart: the first runs finalizers and clears weak references whose
 * targets the second then frees.
 */
export const liveHeapBytes = async (): Promise<number> => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('liveHeapBytes needs node --expose-gc');
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return v8.getHeapStatistics().used_heap_size;
};
