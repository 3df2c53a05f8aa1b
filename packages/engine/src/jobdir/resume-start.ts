import type { StartProgress } from '../scheduler/job-scheduler.js';
import type { StartCursor } from '../start-requests.js';
import { isThenable } from '../util/thenable.js';

/**
 * The spider's start() for a resumed job: the elements an earlier run already processed are
 * pulled and dropped (their requests are in the job's frontier or done), so spider.start()
 * must produce the same sequence on each run, as startUrls does.
 */
export function resumeStart(cursor: StartCursor, progress: StartProgress | undefined): StartCursor {
  if (!progress || (progress.consumed === 0 && !progress.done)) return cursor;
  if (progress.done) {
    cursor.return();
    return { next: () => ({ done: true, value: undefined }), return: () => undefined };
  }
  let skip = progress.consumed;
  const next = (): IteratorResult<unknown> | Promise<IteratorResult<unknown>> => {
    while (skip > 0) {
      const step = cursor.next();
      if (isThenable(step)) {
        return Promise.resolve(step).then((s) => {
          if (s.done) {
            skip = 0;
            return s;
          }
          skip--;
          return next();
        });
      }
      if (step.done) {
        skip = 0;
        return step;
      }
      skip--;
    }
    return cursor.next();
  };
  return { next, return: () => cursor.return() };
}
