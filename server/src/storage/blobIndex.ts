import type { Clock } from '../clock';
import type { BlobIndex } from './BlobStore';
import type { Db } from './database';

/** The `blobs` table of the site's database. */
export function sqliteBlobIndex(db: Db, clock: Clock): BlobIndex {
  return {
    record: (blob, mediaType) => {
      db.prepare('INSERT OR IGNORE INTO blobs (sha256, size, media_type, created_at) VALUES (?, ?, ?, ?)').run(
        blob.sha256,
        blob.size,
        mediaType,
        clock.now().toISOString(),
      );
    },
  };
}
