import { Pool } from "pg";
const pool = new Pool();
export const C = () => <div>{[1, 2].map((i: number) => <b key={i}>{i}</b>)}</div>;
export async function f(ids: number[]): Promise<void> { for (const i of ids) await pool.query("select $1", [i]); }
