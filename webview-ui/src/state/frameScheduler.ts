/**
 * Runs one callback at most once per animation frame, however often it is requested, so
 * bursts of messages and scroll events cost one render.
 */
export class FrameScheduler {
  private pending = false;

  constructor(private readonly run: () => void) {}

  request(): void {
    if (this.pending) {
      return;
    }
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.run();
    });
  }
}
