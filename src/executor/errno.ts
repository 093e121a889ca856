// errno numbers to names and texts, from Node's own table (the same texts libuv prints).
import { getSystemErrorMap } from 'node:util';

const table = getSystemErrorMap();

export function errnoInfo(errno: number): { name: string; text: string } {
  const entry = table.get(-errno);
  if (!entry) return { name: `E${errno}`, text: `errno ${errno}` };
  const [name, message] = entry;
  return { name, text: message.charAt(0).toUpperCase() + message.slice(1) };
}
