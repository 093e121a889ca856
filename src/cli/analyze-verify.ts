// `nsbox analyze verify FILE...`: loads each unit file and prints what systemd-analyze verify
// would: the parser's diagnostics, fatal settings, and commands that are not executable.
import { access, constants } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_EXEC_SEARCH_PATH, formatDiagnostic, loadUnitFile, resolveCommandPath, type LoadedUnit } from '../unit/index.js';

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(() => true, () => false);
}

async function commandProblems(unit: LoadedUnit, root: string | undefined): Promise<string[]> {
  const s = unit.settings.service;
  const commands = [s.execCondition, s.execStartPre, s.execStart, s.execStartPost, s.execReload, s.execStop, s.execStopPost].flat();
  const problems: string[] = [];
  const inRoot = (p: string): string => (root ? join(root, p) : p);
  for (const c of commands) {
    if (c.prefixes.ignoreFailure) continue;
    let found: string | undefined = c.path;
    if (!c.path.startsWith('/')) {
      const searchPath = s.execSearchPath ?? DEFAULT_EXEC_SEARCH_PATH;
      const executable = new Set<string>();
      for (const dir of searchPath) if (await isExecutable(inRoot(`${dir}/${c.path}`))) executable.add(`${dir}/${c.path}`);
      found = resolveCommandPath(c.path, (p) => executable.has(p), searchPath);
    }
    if (found === undefined || !(await isExecutable(inRoot(found)))) {
      problems.push(`${unit.name}: Command ${c.path} is not executable: No such file or directory`);
    }
  }
  return problems;
}

export async function analyzeVerify(files: string[], opts: { root?: string }): Promise<{ output: string; exitCode: number }> {
  const lines: string[] = [];
  let exitCode = 0;
  for (const file of files) {
    const unit = await loadUnitFile(resolve(file), opts.root === undefined ? {} : { root: opts.root });
    for (const d of unit.diagnostics) lines.push(d.line === 0 && d.file === unit.name ? `${d.file}: ${d.message}` : formatDiagnostic(d));
    switch (unit.loadState) {
      case 'not-found':
        lines.push(`Unit ${unit.name} not found.`);
        exitCode = 1;
        continue;
      case 'invalid-name':
        lines.push(`Unit name ${file} is not valid.`);
        exitCode = 1;
        continue;
      case 'masked':
        lines.push(`Unit ${unit.name} is masked.`);
        exitCode = 1;
        continue;
      case 'bad-setting':
        if (unit.diagnostics.some((d) => d.severity === 'error' && d.line > 0)) {
          lines.push(`${unit.name}: Unit configuration has fatal error, unit will not be started.`);
        }
        lines.push(`Unit ${unit.name} has a bad unit file setting.`);
        exitCode = 1;
        continue;
      case 'loaded': {
        const problems = await commandProblems(unit, opts.root);
        lines.push(...problems);
        if (problems.length > 0) exitCode = 1;
      }
    }
  }
  return { output: lines.length > 0 ? `${lines.join('\n')}\n` : '', exitCode };
}
