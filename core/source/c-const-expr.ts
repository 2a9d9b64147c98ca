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
