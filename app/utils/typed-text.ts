// A textarea's text as the person typed it: browsers send its line breaks as
// CR LF, while its maxlength (and the person) counted each as one character.
// Every limit on such text is checked on this form of it.
export function asTyped(text: string): string {
  return text.replace(/\r\n/g, "\n");
}
