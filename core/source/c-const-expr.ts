import type { Node } from 'web-tree-sitter';

/**
 * Integer constant expressions as enumerator values and array sizes write them: literals (any base, any suffix),
 * character constants, names of earlier enumerators and `#define`s, casts, and the arithmetic, shift, bitwise,
 * logical and conditional operators. BigInt, so `1ULL << 40` keeps its value. Null for anything else (sizeof,
 * function-like macros): the caller then knows the value is unknown rather than guessing it.
 */
export function evalConstExpr(node: Node, lookup: (name: string) => bigint | null): bigint | null {
  switch (node.type) {
    case 'number_literal':
      return parseIntegerLiteral(node.text);
    case 'char_literal':
      return charValue(node.text);
    case 'identifier':
      return lookup(node.text);
    case 'parenthesized_expression':
    case 'cast_expression': {
      const inner = node.childForFieldName('value') ?? node.namedChildren.filter((c) => c !== null && c.type !== 'comment').at(-1);
      return inner ? evalConstExpr(inner, lookup) : null;
    }
    case 'unary_expression': {
      const arg = node.childForFieldName('argument');
      const v = arg ? evalConstExpr(arg, lookup) : null;
      if (v === null) return null;
      switch (node.childForFieldName('operator')?.text) {
        case '-': return -v;
        case '+': return v;
        case '~': return ~v;
        case '!': return v === 0n ? 1n : 0n;
        default: return null;
      }
    }
    case 'binary_expression': {
      const l = node.childForFieldName('left');
      const r = node.childForFieldName('right');
      const a = l ? evalConstExpr(l, lookup) : null;
      const b = r ? evalConstExpr(r, lookup) : null;
      return a === null || b === null ? null : binary(node.childForFieldName('operator')?.text ?? '', a, b);
    }
    case 'conditional_expression': {
      const c = node.childForFieldName('condition');
      const cond = c ? evalConstExpr(c, lookup) : null;
      if (cond === null) return null;
      const branch = node.childForFieldName(cond !== 0n ? 'consequence' : 'alternative');
      return branch ? evalConstExpr(branch, lookup) : null;
    }
    default:
      return null;
  }
}

function binary(op: string, a: bigint, b: bigint): bigint | null {
  const bool = (x: boolean) => (x ? 1n : 0n);
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0n ? null : a / b;
    case '%': return b === 0n ? null : a % b;
    case '<<': return b < 0n || b > 127n ? null : a << b;
    case '>>': return b < 0n || b > 127n ? null : a >> b;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '&&': return bool(a !== 0n && b !== 0n);
    case '||': return bool(a !== 0n || b !== 0n);
    case '==': return bool(a === b);
    case '!=': return bool(a !== b);
    case '<': return bool(a < b);
    case '>': return bool(a > b);
    case '<=': return bool(a <= b);
    case '>=': return bool(a >= b);
    default: return null;
  }
}

/** `42`, `0x2aULL`, `052`, `0b101`, `1'000` (and tree-sitter's signed `-129`) are integers; `1.5` and `1e3` are not. */
export function parseIntegerLiteral(text: string): bigint | null {
  const sign = /^\s*([-+])\s*/.exec(text);
  if (sign) {
    const v = parseIntegerLiteral(text.slice(sign[0].length));
    return v === null ? null : sign[1] === '-' ? -v : v;
  }
  const t = text.replace(/'/g, '').replace(/(?:[uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)$/, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^0[bB][01]+$/.test(t) || /^[1-9]\d*$/.test(t) || t === '0') return BigInt(t);
  if (/^0[0-7]+$/.test(t)) return BigInt(`0o${t.slice(1)}`);
  return null;
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11 };

function charValue(text: string): bigint | null {
  const m = /^'(?:\\x([0-9a-fA-F]+)|\\([0-7]{1,3})|\\(.)|([^\\']))'$/.exec(text);
  if (!m) return null;
  if (m[1]) return BigInt(Number.parseInt(m[1], 16));
  if (m[2]) return BigInt(Number.parseInt(m[2], 8));
  if (m[3]) return ESCAPES[m[3]] === undefined ? null : BigInt(ESCAPES[m[3]]);
  return BigInt(m[4].charCodeAt(0));
}

/** A constant small enough for a size or an index; null past 2^53 (no array or bitfield is that large). */
export const toNumber = (v: bigint): number | null => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : null);

/** Binary operators by precedence, lowest first, as C binds them. */
const LEVELS = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
const TOKEN = /\s*(0[xX][0-9a-fA-F']+[uUlL]*|0[bB][01']+[uUlL]*|\d[\d']*[uUlL]*|'(?:\\.[0-9a-fA-F]*|[^\\'])'|[A-Za-z_]\w*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!()<>?:])/y;

/**
 * The same evaluation for a `#define`'s value, which tree-sitter leaves as text: `(1 << 4)`, `MAX_ARG_LEN * 2`,
 * `(unsigned int)16`. Null for anything it cannot read (a function-like macro, sizeof, a string).
 */
export function evalConstText(text: string, lookup: (name: string) => bigint | null): bigint | null {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    tokens.push(m[1]);
    at = TOKEN.lastIndex;
  }
  if (text.slice(at).trim() !== '' || tokens.length === 0) return null;
  let i = 0;
  const CASTS = /^(?:unsigned|signed|int|long|short|char|__[us](?:8|16|32|64)|u(?:8|16|32|64)|s(?:8|16|32|64)|size_t)$/;
  const primary = (): bigint | null => {
    const t = tokens[i++];
    if (t === undefined) return null;
    if (t === '(') {
      // a cast, `(unsigned int)16`: the type's words, then `)`
      let j = i;
      while (tokens[j] !== undefined && CASTS.test(tokens[j])) j++;
      if (j > i && tokens[j] === ')') {
        i = j + 1;
        return primary();
      }
      const v = conditional();
      return tokens[i++] === ')' ? v : null;
    }
    if (t === '-' || t === '+' || t === '~' || t === '!') {
      const v = primary();
      if (v === null) return null;
      return t === '-' ? -v : t === '~' ? ~v : t === '!' ? (v === 0n ? 1n : 0n) : v;
    }
    if (/^[A-Za-z_]/.test(t)) return tokens[i] === '(' ? null : lookup(t); // a function-like macro: unknown
    if (t.startsWith("'")) return charValue(t);
    return parseIntegerLiteral(t);
  };
  const level = (n: number): bigint | null => {
    if (n === LEVELS.length) return primary();
    let left = level(n + 1);
    while (left !== null && LEVELS[n].includes(tokens[i])) {
      const op = tokens[i++];
      const right = level(n + 1);
      left = right === null ? null : binary(op, left, right);
    }
    return left;
  };
  const conditional = (): bigint | null => {
    const c = level(0);
    if (tokens[i] !== '?') return c;
    i++;
    const a = conditional();
    if (tokens[i++] !== ':') return null;
    const b = conditional();
    return c === null ? null : c !== 0n ? a : b;
  };
  const v = conditional();
  return i === tokens.length ? v : null;
}
