import { UpstreamFailure } from '#lib/upstream/failure.ts';

/** The typed failure `attempt` rejects with; anything else (or success) fails the test. */
export const failureOf = async (attempt: Promise<unknown>): Promise<UpstreamFailure> => {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof UpstreamFailure) return error;
    throw error;
  }
  throw new Error('expected a failure, but it succeeded');
};
