/**
 * Whether a partner's answer refuses a request for good, so that sending it again would
 * get the same answer: an HTTP 4xx, or an OCPI 2xxx client error with a 2xx. Not refusals:
 * 408 (Request Timeout) and 429 (Too Many Requests), which ask to come back later, and
 * 401, which a token rotated meanwhile causes (the caller looks the token up again).
 * `statusCode` is the OCPI status_code, when the answer was an OCPI envelope.
 */
export function isRefusal(httpStatus: number | undefined, statusCode?: number): boolean {
  if (httpStatus === undefined) return false;
  if (httpStatus >= 400 && httpStatus < 500)
    return httpStatus !== 401 && httpStatus !== 408 && httpStatus !== 429;
  return (
    httpStatus >= 200 &&
    httpStatus < 300 &&
    statusCode !== undefined &&
    statusCode >= 2000 &&
    statusCode < 3000
  );
}
