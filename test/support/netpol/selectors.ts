// Label selectors: the Kubernetes form (matchLabels + matchExpressions, metav1.LabelSelector) and
// Calico's selector expressions (projectcalico/calico api/pkg/apis/projectcalico/v3/globalnetworkpolicy.go
// @v3.32.1, the `Selector` field's documentation: ==, !=, in, not in, has(), !, &&, ||, parentheses, all()).
type Labels = Record<string, string>;

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Throws when `o` has a key outside `allowed`: the evaluator only judges what it understands. */
export function onlyKeys(o: unknown, allowed: string[], where: string): asserts o is Record<string, any> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error(`${where}: expected an object`);
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length) throw new Error(`${where}: unknown or unsupported field(s) ${extra.join(', ')}`);
}

/** Kubernetes semantics: every matchLabels pair and every expression must hold; `{}` selects everything. */
export function matchesSelector(sel: LabelSelector, labels: Labels, where = 'selector', keyOf: (k: string) => string = (k) => k): boolean {
  onlyKeys(sel, ['matchLabels', 'matchExpressions'], where);
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[keyOf(k)] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const key = keyOf(e.key);
    const has = key in labels;
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        throw new Error(`${where}: unknown operator ${e.operator}`);
    }
  }
  return true;
}

// --- Calico selector expressions -------------------------------------------------------------------
type Expr = (l: Labels) => boolean;

function tokenize(src: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(&&|\|\||==|!=|[(){},!]|"[^"]*"|'[^']*'|[A-Za-z0-9_./-]+)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < src.length && (m = re.exec(src))) tokens.push(m[1]!);
  if (src.slice(re.lastIndex).trim()) throw new Error(`calico selector: cannot read "${src.slice(re.lastIndex)}" in ${src}`);
  return tokens;
}

/** Compiles a Calico selector expression into a predicate over labels. */
export function calicoSelector(src: string): Expr {
  const t = tokenize(src);
  let i = 0;
  const peek = () => t[i];
  const take = (want?: string) => {
    const tok = t[i++];
    if (tok === undefined || (want !== undefined && tok !== want)) throw new Error(`calico selector: expected ${want ?? 'a token'} at ${i} in ${src}`);
    return tok;
  };
  const str = () => {
    const tok = take();
    if (!/^["']/.test(tok)) throw new Error(`calico selector: expected a string literal, got ${tok} in ${src}`);
    return tok.slice(1, -1);
  };
  const set = () => {
    take('{');
    const out: string[] = [];
    while (peek() !== '}') {
      out.push(str());
      if (peek() === ',') take(',');
    }
    take('}');
    return out;
  };
  const primary = (): Expr => {
    const tok = take();
    if (tok === '!') {
      const inner = primary();
      return (l) => !inner(l);
    }
    if (tok === '(') {
      const e = or();
      take(')');
      return e;
    }
    if (tok === 'all' && peek() === '(') {
      take('(');
      take(')');
      return () => true;
    }
    if (tok === 'has' && peek() === '(') {
      take('(');
      const key = take();
      take(')');
      return (l) => key in l;
    }
    const key = tok;
    const op = take();
    if (op === '==') {
      const v = str();
      return (l) => l[key] === v;
    }
    if (op === '!=') {
      const v = str();
      return (l) => l[key] !== v;
    }
    if (op === 'in') {
      const vs = set();
      return (l) => key in l && vs.includes(l[key]!);
    }
    if (op === 'not' && peek() === 'in') {
      take('in');
      const vs = set();
      return (l) => !(key in l && vs.includes(l[key]!));
    }
    throw new Error(`calico selector: unsupported operator ${op} in ${src}`);
  };
  const and = (): Expr => {
    let e = primary();
    while (peek() === '&&') {
      take();
      const a = e;
      const b = primary();
      e = (l) => a(l) && b(l);
    }
    return e;
  };
  const or = (): Expr => {
    let e = and();
    while (peek() === '||') {
      take();
      const a = e;
      const b = and();
      e = (l) => a(l) || b(l);
    }
    return e;
  };
  if (t.length === 0) return () => true;
  const e = or();
  if (i !== t.length) throw new Error(`calico selector: unexpected ${t[i]} in ${src}`);
  return e;
}
