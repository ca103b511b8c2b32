// Objects as the action keeps them: without metadata.managedFields, which the API server adds to every
// object (a record of each field's writer, often half its size) and which the action never reads. Run
// over hundreds of objects, each kept in several copies (as planned, latest, in its result), it adds up.

export function lean<T extends { metadata: object } | undefined>(obj: T): T {
  if (!obj?.metadata || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata as { managedFields?: unknown };
  return { ...obj, metadata };
}
