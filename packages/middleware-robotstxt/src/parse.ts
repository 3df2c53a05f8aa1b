import robotsParserModule from 'robots-parser';

/** What the middleware uses of robots-parser's result. */
export interface RobotsRules {
  /** undefined when `url` is not on the robots.txt's origin. */
  isAllowed(url: string, userAgent?: string): boolean | undefined;
  getCrawlDelay(userAgent?: string): number | undefined;
  getSitemaps(): string[];
}

type RobotsParser = (url: string, contents: string) => RobotsRules;

// robots-parser is CommonJS (`module.exports = function`) with an ESM-style `export default` in its
// typings; at run time the default import is the function itself, in both our ESM and CJS builds.
const parser: RobotsParser =
  typeof robotsParserModule === 'function'
    ? (robotsParserModule as unknown as RobotsParser)
    : (robotsParserModule as unknown as { default: RobotsParser }).default;

const decoder = new TextDecoder('utf-8');
const LF = 0x0a;

/**
 * Parses a robots.txt body (RFC 9309: UTF-8). Only the first `maxSize` bytes count; the cut is made
 * after the last complete line so that a truncated path never turns into a broader rule.
 */
export function parseRobotsTxt(robotsUrl: string, body: Uint8Array, maxSize: number): { rules: RobotsRules; truncated: boolean } {
  let bytes = body;
  const truncated = body.byteLength > maxSize;
  if (truncated) {
    const lastLf = body.lastIndexOf(LF, maxSize - 1);
    bytes = body.subarray(0, lastLf >= 0 ? lastLf + 1 : maxSize);
  }
  return { rules: parser(robotsUrl, decoder.decode(bytes)), truncated };
}
