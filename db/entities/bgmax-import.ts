/** One imported BgMax file and its summary as counted at import: matched + unmatched + duplicates = file. */
import { BigIntType, EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAt } from './columns';

export class BgmaxImport {
  [OptionalProps]?: 'importedAt';
  id!: string;
  fileSha256!: string;
  fileName!: string;
  fileCreatedAt!: string;
  test!: boolean;
  importedBy!: string;
  importedByName!: string;
  importedAt: Date = new Date();
  paymentCount!: number;
  fileOre!: number;
  matchedCount!: number;
  matchedOre!: number;
  unmatchedCount!: number;
  unmatchedOre!: number;
  duplicateCount!: number;
  duplicateOre!: number;
}

const ore = { type: new BigIntType('number') } as const;

export const BgmaxImportSchema = new EntitySchema<BgmaxImport>({
  class: BgmaxImport,
  tableName: 'bgmax_import',
  properties: {
    id: { type: 'uuid', primary: true },
    fileSha256: { type: 'text', unique: true },
    fileName: { type: 'text' },
    fileCreatedAt: { type: 'text' },
    test: { type: 'boolean' },
    importedBy: { type: 'text' },
    importedByName: { type: 'text' },
    importedAt: createdAt,
    paymentCount: { type: 'integer' },
    fileOre: ore,
    matchedCount: { type: 'integer' },
    matchedOre: ore,
    unmatchedCount: { type: 'integer' },
    unmatchedOre: ore,
    duplicateCount: { type: 'integer' },
    duplicateOre: ore,
  },
});
