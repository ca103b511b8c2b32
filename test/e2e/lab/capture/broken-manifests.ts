// Payloads that break a build in two ways the fixtures capture: invalid YAML, and a schema error.

/** Not YAML: an unclosed flow sequence. */
export const INVALID_YAML = `apiVersion: v1
kind: ConfigMap
metadata:
  name: broken-yaml
data:
  key: [unclosed
`;

/** YAML, but not a valid ConfigMap: data values must be strings. */
export const SCHEMA_ERROR = `apiVersion: v1
kind: ConfigMap
metadata:
  name: schema-error
data:
  count: 3
`;
