// The programs a generated shell command runs, read from the command itself: `make validate` checks that each
// is installed (and says "missing X: run make tools"), `make tools` installs exactly them, and every CI
// provider's validation job runs `make tools` first. Deriving the list from the commands means a block that adds
// a validate step with a new tool cannot forget to declare it.
import type { ValidateStep } from './contributions.js';

/**
 * Shell keywords and builtins, and the POSIX utilities every image the commands run in has (Debian, Alpine,
 * the Ubuntu runners): not tools to install.
 */
const BASE = new Set([
  ...['!', '[', '[[', ':', 'break', 'case', 'cd', 'command', 'continue', 'do', 'done', 'elif', 'else', 'esac', 'eval', 'exec', 'exit', 'export', 'false', 'fi', 'for', 'if'],
  ...['read', 'return', 'set', 'shift', 'test', 'then', 'time', 'true', 'umask', 'unset', 'until', 'while'],
  ...['awk', 'basename', 'bash', 'cat', 'cp', 'cut', 'dirname', 'echo', 'env', 'find', 'grep', 'head', 'ls', 'mkdir', 'mktemp', 'mv', 'printf', 'rm'],
  ...['sed', 'sh', 'sleep', 'sort', 'tail', 'tee', 'tr', 'uniq', 'wc', 'xargs'],
]);

/** Words that start a segment without being a program: keywords, and what precedes a command. */
const KEYWORDS = new Set(['!', 'if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'in', 'case', 'esac', 'time', '$', '{', '}']);

/**
 * The first word of every simple command in `cmd`, in order, without duplicates; command substitutions
 * (`$(...)`, also inside double quotes) count as commands too.
 */
export function programsOf(cmd: string): string[] {
  const inner: string[] = [];
  // Redirections with '&' (2>&1, &>file) are not command separators.
  let text = cmd.replace(/\d*>&\d*-?|&>/g, ' > ');
  for (let m = /\$\(([^()]*)\)/.exec(text); m; m = /\$\(([^()]*)\)/.exec(text)) {
    inner.push(m[1]!);
    text = `${text.slice(0, m.index)}X${text.slice(m.index + m[0].length)}`;
  }
  const out = simpleCommands(text);
  for (const p of inner.flatMap(programsOf)) if (!out.includes(p)) out.push(p);
  return out;
}

// A quoted string, a separator, or a run of anything else: quotes are kept inside their segment.
const TOKEN = /'[^']*'?|"[^"]*"?|[;|&\n()`]|[^'";|&\n()`]+/g;

function simpleCommands(cmd: string): string[] {
  const segments: string[] = [];
  let cur = '';
  for (const [token] of cmd.matchAll(TOKEN)) {
    if (token.length === 1 && ';|&\n()`'.includes(token)) {
      segments.push(cur);
      cur = '';
    } else cur += token;
  }
  segments.push(cur);
  const out: string[] = [];
  for (const seg of segments) {
    // Skip leading variable assignments (X=y cmd) and keywords that precede a command (if, then, !, ...).
    const words = seg.trim().split(/\s+/).filter(Boolean);
    // `for x in ...` and `case x in` head no command.
    if (words[0] === 'for' || words[0] === 'case') continue;
    const first = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) && !KEYWORDS.has(w));
    if (first === undefined) continue;
    const word = first.replace(/^["']|["']$/g, '');
    if (!out.includes(word)) out.push(word);
  }
  return out;
}

/** The tools `make validate` runs: every program of its commands that is not part of the shell or POSIX base. */
export function validateTools(steps: ValidateStep[]): string[] {
  const tools: string[] = [];
  for (const s of steps) for (const p of programsOf(s.command)) if (!BASE.has(p) && !tools.includes(p)) tools.push(p);
  return tools;
}
