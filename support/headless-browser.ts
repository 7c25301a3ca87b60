import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser } from 'puppeteer-core';

// A headless Chromium from npm (@sparticuz/chromium carries the browser inside its package, so a
// fresh `npm install` has it), driven by puppeteer-core: the dashboard test and its screenshot.

/** Its defaults are for AWS Lambda; these relax web security, which a test of a page must keep. */
const UNWANTED = new Set(['--disable-web-security', '--allow-running-insecure-content']);

export const launchBrowser = async (viewport = { width: 1280, height: 800 }): Promise<Browser> =>
  puppeteer.launch({
    executablePath: await chromium.executablePath(),
    // A fixed language: with LANG=C the browser reports `en-US@posix`, a tag Intl (and uPlot) refuse.
    args: [...chromium.args.filter((arg) => !UNWANTED.has(arg)), '--lang=en-US'],
    headless: 'shell',
    defaultViewport: viewport,
  });
