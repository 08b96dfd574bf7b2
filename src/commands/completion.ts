// `cn-scaffold completion bash|zsh|fish`: a completion script for commands, flags, and the values of
// the flags that name blocks (one per slot), categories and answer keys. Generated from the commander
// program and the catalog, so a new command, flag or block completes with no change here.
import type { Command } from 'commander';
import { catalog } from '../catalog/registry.js';
import { answerKeys } from '../config/answer-keys.js';
import { answerFlags } from './flags.js';
import { UsageError } from '../util/errors.js';
import { writeOut } from '../util/output.js';

interface Spec {
  /** Subcommand path, e.g. `init`, `add service`. */
  path: string;
  description: string;
  /** Every flag, long and short forms. */
  flags: { names: string[]; description: string; takesValue: boolean }[];
  /** Positional completions (categories for list, shells for completion...). */
  args: string[];
}

const FILE_FLAGS = ['--answers', '-a', '--out', '-o', '--dir', '-C', '--restore'];
const PROJECT_KEYS = ['project.name', 'project.namespace', 'project.kubernetesVersion', 'project.image.registry', 'project.image.repository', 'services.0.port', 'services.0.replicas'];

/** Flag → the values it completes with (block ids for slot flags, answer keys for --set). */
function valuesByFlag(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const keys = answerKeys(catalog);
  for (const f of answerFlags(catalog)) {
    const k = keys.find((x) => x.key === f.key && x.kind === 'slot');
    if (k) out.set(`--${f.flag}`, k.values!.map(String));
  }
  const setKeys = [...PROJECT_KEYS, ...keys.map((k) => k.key)].map((k) => `${k}=`);
  out.set('--set', setKeys);
  out.set('-s', setKeys);
  return out;
}

function specs(program: Command): Spec[] {
  const out: Spec[] = [];
  const visit = (cmd: Command, prefix: string) => {
    for (const c of cmd.commands) {
      const path = `${prefix}${c.name()}`;
      out.push({
        path,
        description: c.description().split('\n')[0]!,
        flags: c.options.map((o) => ({ names: [o.long, o.short].filter((x): x is string => Boolean(x)), description: o.description, takesValue: o.required || o.optional })),
        args: c.name() === 'list' ? catalog.categories.map((x) => x.id) : c.name() === 'completion' ? ['bash', 'zsh', 'fish'] : [],
      });
      if (c.commands.length) visit(c, `${path} `);
    }
  };
  visit(program, '');
  return out;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** The subcommand names directly under a command path. */
const childrenOf = (all: Spec[], s: Spec) => all.filter((x) => x.path.startsWith(`${s.path} `) && !x.path.slice(s.path.length + 1).includes(' ')).map((x) => x.path.slice(s.path.length + 1));

function bash(program: Command): string {
  const all = specs(program);
  const values = valuesByFlag();
  const top = all.filter((s) => !s.path.includes(' ')).map((s) => s.path);
  const lines = [
    '# cn-scaffold completion for bash. Load it with: source <(cn-scaffold completion bash)',
    '_cn_scaffold() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" cmd="" i w',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    w="${COMP_WORDS[i]}"',
    '    case "$w" in -*) continue ;; esac',
    '    case "$cmd" in "" | add | remove) cmd="${cmd:+$cmd }$w" ;; esac',
    '  done',
    '  case "$prev" in',
    ...[...values].map(([flag, v]) => `    ${flag}) COMPREPLY=($(compgen -W ${q(v.join(' '))} -- "$cur")); ${flag.startsWith('--set') || flag === '-s' ? 'compopt -o nospace 2>/dev/null; ' : ''}return ;;`),
    `    ${FILE_FLAGS.join(' | ')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`,
    '  esac',
    '  case "$cmd" in',
    `    "") COMPREPLY=($(compgen -W ${q([...top, '--help', '--version', '--no-color'].join(' '))} -- "$cur")) ;;`,
    ...all.map((s) => {
      const words = [...childrenOf(all, s), ...s.args].join(' ');
      const flags = [...s.flags.flatMap((f) => f.names), '--help'].join(' ');
      return `    ${q(s.path)}) if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W ${q(flags)} -- "$cur")); else COMPREPLY=($(compgen -W ${q(words)} -- "$cur")); fi ;;`;
    }),
    '  esac',
    '}',
    'complete -o default -F _cn_scaffold cn-scaffold',
  ];
  return lines.join('\n') + '\n';
}

function zsh(program: Command): string {
  const all = specs(program);
  const values = valuesByFlag();
  const top = all.filter((s) => !s.path.includes(' ')).map((s) => s.path);
  const lines = [
    '#compdef cn-scaffold',
    '# cn-scaffold completion for zsh. Save it as _cn-scaffold in a folder of $fpath (compinit loads it),',
    '# or load it in a session where compinit ran: source <(cn-scaffold completion zsh)',
    '_cn_scaffold() {',
    '  local cur="${words[CURRENT]}" prev="${words[CURRENT-1]}" cmd="" w i',
    '  for ((i = 2; i < CURRENT; i++)); do',
    '    w="${words[i]}"',
    '    [[ "$w" == -* ]] && continue',
    '    case "$cmd" in "" | add | remove) cmd="${cmd:+$cmd }$w" ;; esac',
    '  done',
    '  case "$prev" in',
    ...[...values].map(([flag, v]) => `    ${flag}) compadd ${flag.startsWith('--set') || flag === '-s' ? '-S "" ' : ''}-- ${v.map(q).join(' ')}; return ;;`),
    `    ${FILE_FLAGS.join(' | ')}) _files; return ;;`,
    '  esac',
    '  case "$cmd" in',
    `    "") compadd -- ${[...top, '--help', '--version', '--no-color'].map(q).join(' ')} ;;`,
    ...all.map((s) => {
      const flags = [...s.flags.flatMap((f) => f.names), '--help'];
      return `    ${q(s.path)}) if [[ "$cur" == -* ]]; then compadd -- ${flags.map(q).join(' ')}; else compadd -- ${[...childrenOf(all, s), ...s.args].map(q).join(' ')}; _files; fi ;;`;
    }),
    '  esac',
    '}',
    'compdef _cn_scaffold cn-scaffold',
  ];
  return lines.join('\n') + '\n';
}

function fish(program: Command): string {
  const all = specs(program);
  const values = valuesByFlag();
  const lines = ['# cn-scaffold completion for fish. Save it as ~/.config/fish/completions/cn-scaffold.fish', 'complete -c cn-scaffold -f'];
  const top = all.filter((s) => !s.path.includes(' '));
  for (const s of top) lines.push(`complete -c cn-scaffold -n __fish_use_subcommand -a ${q(s.path)} -d ${q(s.description)}`);
  for (const s of all) {
    const words = s.path.split(' ');
    const cond = words.length === 1 ? `__fish_seen_subcommand_from ${words[0]}` : `__fish_seen_subcommand_from ${words[0]}; and __fish_seen_subcommand_from ${words[1]}`;
    const sub = all.filter((x) => x.path.startsWith(`${s.path} `) && x.path.split(' ').length === words.length + 1);
    for (const x of sub) lines.push(`complete -c cn-scaffold -n ${q(`${cond}; and not __fish_seen_subcommand_from ${sub.map((y) => y.path.split(' ').at(-1)).join(' ')}`)} -a ${q(x.path.split(' ').at(-1)!)} -d ${q(x.description)}`);
    if (s.args.length) lines.push(`complete -c cn-scaffold -n ${q(cond)} -a ${q(s.args.join(' '))}`);
    for (const f of s.flags) {
      const long = f.names.find((n) => n.startsWith('--'))?.slice(2);
      const short = f.names.find((n) => !n.startsWith('--'))?.slice(1);
      const v = values.get(`--${long}`);
      const file = FILE_FLAGS.includes(`--${long}`);
      const parts = [`complete -c cn-scaffold -n ${q(cond)}`, long ? `-l ${long}` : '', short ? `-s ${short}` : '', f.takesValue ? (file ? '-r -F' : '-x') : '', v ? `-a ${q(v.join(' '))}` : '', `-d ${q(f.description)}`];
      lines.push(parts.filter(Boolean).join(' '));
    }
  }
  return lines.join('\n') + '\n';
}

const SHELLS: Record<string, (program: Command) => string> = { bash, zsh, fish };

export async function completion(shell: string, program: Command): Promise<number> {
  const make = SHELLS[shell];
  if (!make) throw new UsageError(`No completion for '${shell}'`, [{ message: 'shells: bash, zsh, fish', fix: 'cn-scaffold completion bash' }]);
  writeOut(make(program));
  return 0;
}
