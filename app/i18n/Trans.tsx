// Sentences with markup in them ("<strong>{{cost}}</strong> estimated…"),
// given their values. react-i18next reads the sentence as markup after the
// values are put in, so a value with "<" in it ("< $0.01", a name such as
// "Bob <3") was read as a tag, and its words were lost. Here the values are
// escaped before that reading and given back as plain text after it: whatever
// a value holds is shown as its characters, never as markup.
//
// A value a person wrote (a title, a name, a search) is isolated by its
// sentence: `“<bdi>{{title}}</bdi>”`. Every sentence may use <bdi>: the value
// keeps its own direction and cannot reorder the words around it (a Hebrew
// title, or one ending in a question mark, in an English sentence).
import type { ComponentProps } from "react";
import { Trans as I18nextTrans } from "react-i18next";

export function Trans(props: ComponentProps<typeof I18nextTrans>) {
  const components = Array.isArray(props.components) ? props.components : { bdi: <bdi />, ...props.components };
  return <I18nextTrans {...props} components={components} tOptions={{ ...props.tOptions, interpolation: { escapeValue: true } }} shouldUnescape />;
}
