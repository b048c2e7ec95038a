// The two parts of a model id, `provider:model` (say `openai:gpt-4o`). Safe
// in the browser: the picker names a model by its part too.

/** The provider part of a `provider:model` id. */
export function providerOf(modelId: string): string {
  const separator = modelId.indexOf(":");
  return separator > 0 ? modelId.slice(0, separator) : modelId;
}

/** The model part of a `provider:model` id, as a person names it ("gpt-4o"). */
export function modelPartOf(modelId: string): string {
  return modelId.slice(modelId.indexOf(":") + 1);
}
