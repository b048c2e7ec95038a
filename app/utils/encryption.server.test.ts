import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { encryptionKeyFile } from "../auth/secret.server";
import { DecryptionError, keyId, keyringFor, keyringOf, open, seal, sealedWithOldKey } from "./encryption.server";

const context = "parley:user-api-key:user-1:openai";
const secret = "sk-proj-Secret-Value-0123456789abcdef";

/** The sealed value with one base64url character of field `index` changed. */
function tamper(sealed: string, index: number): string {
  const fields = sealed.split(".");
  const field = fields[index]!;
  const bytes = Buffer.from(field, "base64url");
  bytes[0] = bytes[0]! ^ 0x01;
  fields[index] = bytes.toString("base64url");
  return fields.join(".");
}

describe("sealing secrets with AES-256-GCM", () => {
  test("a sealed secret opens to the same text, and the sealed form does not contain it", () => {
    const keyring = keyringOf({ current: randomBytes(32) });
    const sealed = seal(keyring, secret, context);
    expect(sealed).not.toContain(secret);
    expect(sealed).not.toContain(Buffer.from(secret).toString("base64url").slice(0, 12));
    expect(sealed.split(".")).toHaveLength(5);
    expect(sealed.split(".")[1]).toBe(keyring.current.id);
    expect(open(keyring, sealed, context)).toBe(secret);
  });

  test("sealing the same secret twice gives two different values (a fresh nonce each time)", () => {
    const keyring = keyringOf({ current: randomBytes(32) });
    expect(seal(keyring, secret, context)).not.toBe(seal(keyring, secret, context));
  });

  test.each([
    ["the nonce", 2],
    ["the ciphertext", 3],
    ["the tag", 4],
  ])("a change to %s is refused", (_, index) => {
    const keyring = keyringOf({ current: randomBytes(32) });
    const sealed = seal(keyring, secret, context);
    expect(() => open(keyring, tamper(sealed, index), context)).toThrow(DecryptionError);
  });

  test("a truncated or foreign value is refused, and the error never quotes the secret", () => {
    const keyring = keyringOf({ current: randomBytes(32) });
    const sealed = seal(keyring, secret, context);
    for (const bad of [sealed.slice(0, -3), sealed.split(".").slice(0, 4).join("."), `v2${sealed.slice(2)}`, secret, ""]) {
      let error: unknown;
      try {
        open(keyring, bad, context);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DecryptionError);
      expect(String((error as Error).message)).not.toContain(secret);
    }
  });

  test("a sealed value moved to another person's row (another context) does not open", () => {
    const keyring = keyringOf({ current: randomBytes(32) });
    const sealed = seal(keyring, secret, context);
    expect(() => open(keyring, sealed, "parley:user-api-key:user-2:openai")).toThrow(DecryptionError);
  });

  test("after a rotation, values sealed with the old key still open and are known to need sealing again", () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const before = keyringOf({ current: oldKey });
    const sealed = seal(before, secret, context);
    const after = keyringOf({ current: newKey, old: [oldKey] });
    expect(open(after, sealed, context)).toBe(secret);
    expect(sealedWithOldKey(after, sealed)).toBe(true);
    const resealed = seal(after, open(after, sealed, context), context);
    expect(sealedWithOldKey(after, resealed)).toBe(false);
    // Once the old key is dropped, only the re-sealed value opens.
    const newOnly = keyringOf({ current: newKey });
    expect(open(newOnly, resealed, context)).toBe(secret);
    expect(() => open(newOnly, sealed, context)).toThrow(/none of ENCRYPTION_KEY, ENCRYPTION_KEYS_OLD or the key kept beside the database/);
  });

  test("a key's id is stable and says nothing about the key", () => {
    const key = randomBytes(32);
    expect(keyId(key)).toBe(keyId(Buffer.from(key)));
    expect(keyId(key)).toMatch(/^[0-9a-f]{12}$/);
    expect(key.toString("hex")).not.toContain(keyId(key));
    expect(keyId(randomBytes(32))).not.toBe(keyId(key));
  });
});

describe("the key Parley makes when ENCRYPTION_KEY is unset", () => {
  const folders: string[] = [];
  const folder = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "parley-key-"));
    folders.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  test("beside a local database it is made once, readable by its owner only, and found again by the next start", () => {
    const dir = folder();
    const databaseUrl = `file:${path.join(dir, "parley.db")}`;
    const first = keyringFor({ key: undefined, old: [], databaseUrl });
    expect(first).not.toBeNull();
    const file = path.join(dir, "encryption-key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, "utf8").trim(), "base64")).toEqual(first!.current.key);
    const sealed = seal(first!, secret, context);
    // A restart reads the same key: what it sealed still opens.
    const again = keyringFor({ key: undefined, old: [], databaseUrl });
    expect(again!.current.id).toBe(first!.current.id);
    expect(open(again!, sealed, context)).toBe(secret);
  });

  test("once ENCRYPTION_KEY is set, the key Parley made still opens what it sealed, and new values are sealed with ENCRYPTION_KEY", () => {
    const dir = folder();
    const databaseUrl = `file:${path.join(dir, "parley.db")}`;
    const made = keyringFor({ key: undefined, old: [], databaseUrl })!;
    const sealed = seal(made, secret, context);
    const chosen = randomBytes(32);
    const keyring = keyringFor({ key: chosen, old: [], databaseUrl })!;
    expect(keyring.current.key).toEqual(chosen);
    expect(open(keyring, sealed, context)).toBe(secret);
    expect(sealedWithOldKey(keyring, sealed)).toBe(true);
    expect(seal(keyring, secret, context).split(".")[1]).toBe(keyId(chosen));
  });

  test("with ENCRYPTION_KEY set and no key made before, none is made", () => {
    const dir = folder();
    const keyring = keyringFor({ key: randomBytes(32), old: [], databaseUrl: `file:${path.join(dir, "parley.db")}` })!;
    expect(keyring.byId.size).toBe(1);
    expect(existsSync(path.join(dir, "encryption-key"))).toBe(false);
  });

  test("a remote database, which several machines may share, gets no key made: keys of one's own wait for ENCRYPTION_KEY", () => {
    expect(keyringFor({ key: undefined, old: [], databaseUrl: "libsql://parley.example.com" })).toBeNull();
    expect(encryptionKeyFile("libsql://parley.example.com")).toBeNull();
  });
});
