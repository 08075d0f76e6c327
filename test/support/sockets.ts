import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

// What the operating system says a group of processes listens on (Linux: /proc), not what they
// say about themselves: every TCP socket in LISTEN and every bound UDP socket, with its address.

export interface ListeningSocket {
  pid: number;
  command: string;
  protocol: 'tcp' | 'udp';
  address: string;
  port: number;
}

/** The processes of a process group (the runtime is started as the leader of its own). */
export function processGroup(pgid: number): { pid: number; command: string }[] {
  return execFileSync('ps', ['-e', '-o', 'pid=,pgid=,comm='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, group]) => group === String(pgid))
    .map(([pid, , command]) => ({ pid: Number(pid), command: command ?? '' }));
}

/** A 32-bit word, most significant byte first, as a dotted IPv4 address. */
const dotted = (word: string) =>
  word
    .match(/../g)!
    .map((b) => Number.parseInt(b, 16))
    .join('.');

/** /proc/net's hex address (IPv4: one little-endian word; IPv6: four) as text. */
function hexAddress(hex: string): string {
  const words = hex.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
  if (words.length === 1) return dotted(words[0]!);
  const groups = words
    .join('')
    .match(/.{4}/g)!
    .map((g) => Number.parseInt(g, 16).toString(16));
  if (groups.slice(0, 6).join(':') === '0:0:0:0:0:ffff') return `::ffff:${dotted(words[3]!)}`;
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

const LISTEN = '0A';
const UDP_BOUND = '07';

function socketTable(file: string, protocol: 'tcp' | 'udp') {
  const rows = new Map<string, { protocol: 'tcp' | 'udp'; address: string; port: number }>();
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10) continue;
    const [address, port] = cols[1]!.split(':');
    const state = cols[3];
    if (state !== (protocol === 'tcp' ? LISTEN : UDP_BOUND)) continue;
    rows.set(cols[9]!, { protocol, address: hexAddress(address!), port: Number.parseInt(port!, 16) });
  }
  return rows;
}

export function listeningSockets(processes: { pid: number; command: string }[]): ListeningSocket[] {
  const byInode = new Map([
    ...socketTable('/proc/net/tcp', 'tcp'),
    ...socketTable('/proc/net/tcp6', 'tcp'),
    ...socketTable('/proc/net/udp', 'udp'),
    ...socketTable('/proc/net/udp6', 'udp'),
  ]);
  const found: ListeningSocket[] = [];
  for (const { pid, command } of processes) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // it exited meanwhile
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      const socket = inode ? byInode.get(inode) : undefined;
      if (socket) found.push({ pid, command, ...socket });
    }
  }
  return found;
}

/** 127.0.0.0/8, ::1, or IPv4's loopback mapped into IPv6. */
export const isLoopback = (address: string) =>
  /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);
