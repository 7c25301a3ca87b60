// How one run spreads its samples: the interval it can keep given the targets and the rate
// budget, its wall-clock-aligned ticks, and which targets do not fit at all.

export interface PlanInput {
  targets: number;
  /** Calls per second this run may make to the upstream API. */
  ratePerSecond: number;
  baseIntervalSeconds: number;
  windowSeconds: number;
}

export interface Plan {
  intervalSeconds: number;
  /** Targets sampled on every tick; the rest are stored as `over-capacity` gaps. */
  sampledTargets: number;
  lengthened: boolean;
}

/** Intervals that tile the window, so ticks stay on the same wall-clock boundaries every run. */
export const allowedIntervals = (baseIntervalSeconds: number, windowSeconds: number): number[] => {
  const intervals: number[] = [];
  for (let seconds = baseIntervalSeconds; seconds <= windowSeconds; seconds += 1) {
    if (windowSeconds % seconds === 0) intervals.push(seconds);
  }
  return intervals.length > 0 ? intervals : [windowSeconds];
};

export const planRun = ({ targets, ratePerSecond, baseIntervalSeconds, windowSeconds }: PlanInput): Plan => {
  const intervals = allowedIntervals(baseIntervalSeconds, windowSeconds);
  const fits = intervals.find((seconds) => Math.floor(ratePerSecond * seconds) >= targets);
  if (fits !== undefined) return { intervalSeconds: fits, sampledTargets: targets, lengthened: fits !== intervals[0] };
  const longest = intervals[intervals.length - 1] as number;
  return { intervalSeconds: longest, sampledTargets: Math.floor(ratePerSecond * longest), lengthened: longest !== intervals[0] };
};

/** Tick start times (ms) of the window that contains `nowMs`. */
export const windowTicks = (nowMs: number, windowSeconds: number, intervalSeconds: number): number[] => {
  const windowMs = windowSeconds * 1000;
  const start = Math.floor(nowMs / windowMs) * windowMs;
  return Array.from({ length: windowSeconds / intervalSeconds }, (_, index) => start + index * intervalSeconds * 1000);
};
