/** "1 cookie", "2 cookies": counts in human output read as English. */
export function plural(count: number, noun: string, many = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : many}`;
}
