import { createSocket, type Socket } from 'node:dgram';
import { join } from 'node:path';
import { appendLine } from './durable.js';

// The X-Ray daemon, locally: Lambda runs one beside every function that traces, and the X-Ray
// SDK sends it each (sub)segment as a UDP datagram ('{"format":"json","version":1}\n<segment>')
// at AWS_XRAY_DAEMON_ADDRESS. Here the datagrams are kept (.local/traces.jsonl, and the last
// ones in memory for the control API) instead of being forwarded to X-Ray: enough to see that a
// function traced what it should, with the annotations it should.

export interface TraceSegment {
  trace_id?: string;
  id?: string;
  name?: string;
  annotations?: Record<string, unknown>;
  subsegments?: TraceSegment[];
  [key: string]: unknown;
}

const KEPT = 2000;

export class LocalXrayDaemon {
  readonly segments: TraceSegment[] = [];
  private socket?: Socket;

  constructor(private readonly dir: string) {}

  /** Binds the daemon's UDP port (0: any free one) on the loopback interface; resolves to the port. */
  async start(port = 0): Promise<number> {
    const socket = createSocket('udp4');
    socket.on('message', (datagram) => {
      const text = datagram.toString('utf8');
      const body = text.slice(text.indexOf('\n') + 1);
      try {
        const segment = JSON.parse(body) as TraceSegment;
        this.segments.push(segment);
        if (this.segments.length > KEPT) this.segments.splice(0, this.segments.length - KEPT);
        appendLine(join(this.dir, 'traces.jsonl'), JSON.stringify(segment));
      } catch {
        // not a segment: the daemon ignores it too
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.socket = socket;
    return socket.address().port;
  }

  stop(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}
