// Sentences with markup in them ("<strong>{{cost}}</strong> estimated…"),
// given their values. react-i18next reads the sentence as markup after the
// values are put in, so a value with "<" in it ("< $0.01", a name such as
// "Bob <3") was read as a tag, and its words were lost. Here the values are
// escaped before that reading and given back as plain text after it: whatever
// a value holds is shown as its characters, never as markup.
import type { ComponentProps } from "react";
import { Trans as I18nextTrans } from "react-i18next";

export function Trans(props: ComponentProps<typeof I18nextTrans>) {
  return <I18nextTrans {...props} tOptions={{ ...props.tOptions, interpolation: { escapeValue: true } }} shouldUnescape />;
}
