// Upload records on drizzle (libSQL on Bun, D1 on Workers).
import { and, eq, gte, sum } from "drizzle-orm";
import type { UploadRecord, UploadStore } from "../../core/store/uploads.ts";
import { uploads } from "../schema.ts";
import type { SqlDb } from "./db.ts";

export class SqlUploadStore implements UploadStore {
  constructor(private readonly db: SqlDb) {}

  async insertUpload({ owner, width, height, ...upload }: UploadRecord): Promise<void> {
    await this.db.insert(uploads).values({ ...upload, ownerId: owner, width: width ?? null, height: height ?? null });
  }

  async uploadById(id: string): Promise<UploadRecord | null> {
    const row = await this.db.select().from(uploads).where(eq(uploads.id, id)).get();
    if (!row) return null;
    const { ownerId, width, height, ...upload } = row;
    return { ...upload, owner: ownerId, ...(width === null ? {} : { width }), ...(height === null ? {} : { height }) };
  }

  async bytesUploadedSince(owner: string, since: number): Promise<number> {
    const row = await this.db
      .select({ bytes: sum(uploads.size) })
      .from(uploads)
      .where(and(eq(uploads.ownerId, owner), gte(uploads.createdAt, since)))
      .get();
    return Number(row?.bytes ?? 0);
  }
}
