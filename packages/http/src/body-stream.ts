import { Readable } from 'node:stream';

function ignore(): void {}

/** What the stream needs from its download: flow control and cancellation of the transfer. */
export interface StreamSource {
  /** The consumer wants more: let the socket flow again. */
  resumeTransfer(): void;
  /** The consumer gave up (destroy() before the end): stop the transfer and release the connection. */
  cancelFromConsumer(reason: Error): void;
}

/**
 * A 2xx body handed to the consumer as it arrives (meta.streamBody). Back-pressure goes all the way
 * to the socket: when the buffer passes the high-water mark the download pauses undici's
 * controller, and `_read` resumes it, so a slow store holds at most ~highWaterMark + one chunk.
 */
export class HttpBodyStream extends Readable {
  private readonly source: StreamSource;
  private ended = false;

  constructor(source: StreamSource, highWaterMark: number) {
    super({ highWaterMark });
    this.source = source;
    // A download can fail before anyone reads (a timeout while middlewares run): without a listener
    // that 'error' would crash the process. The error stays on the stream (`errored`), so a consumer
    // that starts iterating later still gets it.
    this.on('error', ignore);
  }

  override _read(): void {
    this.source.resumeTransfer();
  }

  /** Called by the download once the last byte arrived. */
  finish(): void {
    this.ended = true;
    this.push(null);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.ended) this.source.cancelFromConsumer(error ?? new Error('The response body stream was destroyed before its end'));
    callback(error);
  }
}
