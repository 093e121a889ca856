// What --only picks. Pure. Each --only NAME matches case names or tool names by substring:
// cases named by some NAME run (else the default cases); tools named by some NAME run (else all).
// So `--only boot` boots with every tool and `--only bwrap` runs the default cases with bwrap only.

export interface Selection {
  readonly cases: readonly string[];
  /** Whether a tool runs; also asked by cases with tools of their own (boot). */
  tool(name: string): boolean;
}

export function select(
  only: readonly string[],
  cases: readonly { readonly name: string; readonly byDefault: boolean }[],
  tools: readonly string[],
): Selection {
  const hits = (name: string): boolean => only.some((o) => name.includes(o));
  const namedCases = cases.filter((c) => hits(c.name)).map((c) => c.name);
  const anyToolNamed = tools.some(hits);
  return {
    cases: namedCases.length > 0 ? namedCases : cases.filter((c) => c.byDefault).map((c) => c.name),
    tool: (name) => !anyToolNamed || hits(name),
  };
}
