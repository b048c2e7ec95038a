/** Where a message lives: its chat opened on the branch that holds it, scrolled to it. */
export function messageHref({ chatId, messageId }: { chatId: string; messageId: string }): string {
  return `/chats/${chatId}?message=${messageId}#message-${messageId}`;
}
