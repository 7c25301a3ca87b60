import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser } from 'puppeteer-core';

// A headless Chromium from npm (@sparticuz/chromium carries a Linux x64/arm64 build inside its
// package, so a fresh `npm install` has it), driven by puppeteer-core: the dashboard test and its
// screenshot. LIVEGATE_CHROMIUM names another Chrome or Chromium instead (macOS, Windows).

/** Its defaults are for AWS Lambda; these relax web security, which a test of a page must keep. */
const UNWANTED = new Set(['--disable-web-security', '--allow-running-insecure-content']);
/** A fixed language: with LANG=C Chromium reports `en-US@posix`, a tag Intl (and so uPlot) refuses. */
const LANGUAGE = '--lang=en-US';

export const launchBrowser = async (viewport = { width: 1280, height: 800 }): Promise<Browser> => {
  const own = process.env.LIVEGATE_CHROMIUM;
  if (own) return puppeteer.launch({ executablePath: own, args: [LANGUAGE], headless: true, defaultViewport: viewport });
  if (process.platform !== 'linux') {
    throw new Error('the npm Chromium (@sparticuz/chromium) runs on Linux only: set LIVEGATE_CHROMIUM to a Chrome or Chromium executable');
  }
  return puppeteer.launch({
    executablePath: await chromium.executablePath(),
    args: [...chromium.args.filter((arg) => !UNWANTED.has(arg)), LANGUAGE],
    headless: 'shell',
    defaultViewport: viewport,
  });
};
