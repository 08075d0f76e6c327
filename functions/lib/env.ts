/** A setting the stack gives the function; its absence is a deployment bug, so say which. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
