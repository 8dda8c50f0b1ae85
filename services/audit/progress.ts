// A small progress bar on stderr: redrawn in place on a terminal, one line per finished phase otherwise.
export interface Progress {
  /** start a phase with `total` units */
  phase(label: string, total: number, unit?: string): void;
  tick(n?: number): void;
  /** finish the current phase */
  done(detail?: string): void;
}

export const silentProgress: Progress = { phase() {}, tick() {}, done() {} };

export class StderrProgress implements Progress {
  private label = "";
  private unit = "";
  private total = 0;
  private count = 0;
  private started = 0;
  private lastDraw = 0;
  private readonly tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
  }

  phase(label: string, total: number, unit = ""): void {
    this.label = label;
    this.unit = unit;
    this.total = Math.max(0, total);
    this.count = 0;
    this.started = Date.now();
    this.lastDraw = 0;
    this.draw(true);
  }

  tick(n = 1): void {
    this.count += n;
    this.draw(false);
  }

  done(detail?: string): void {
    this.count = this.total;
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    const line = `${this.label.padEnd(24)} done in ${secs} s${detail ? `: ${detail}` : ""}`;
    if (this.tty) this.stream.write(`\r\x1b[2K${line}\n`);
    else this.stream.write(line + "\n");
  }

  private draw(force: boolean): void {
    if (!this.tty) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 30;
    const frac = this.total > 0 ? Math.min(1, this.count / this.total) : 0;
    const filled = Math.round(frac * width);
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    const pct = (frac * 100).toFixed(0).padStart(3);
    this.stream.write(`\r\x1b[2K${this.label.padEnd(24)} ${bar} ${pct}% ${this.count}/${this.total}${this.unit ? " " + this.unit : ""}`);
  }
}
