// The page's away and typing controls: the Away…/Back button by our name, the "bob is typing…" line under the
// messages (it runs out on its own, so it is redrawn every second), and the typing notices the composer sends.
import { TypingNotifier, typingText } from './away.js';

/**
 * @param {{ typing: HTMLElement, awayToggle: HTMLButtonElement, input: HTMLTextAreaElement }} ui
 * @param {import('./model.js').ChatModel} model
 * @param {import('./connection.js').Connection} connection
 * @param {import('./actions.js').Actions} actions
 */
export function bindAway(ui, model, connection, actions) {
  const notifier = new TypingNotifier();
  const render = () => {
    const text = typingText(model.activeConv, model.now().getTime());
    if (ui.typing.textContent !== text) ui.typing.textContent = text;
    const away = Boolean(model.myAway);
    ui.awayToggle.textContent = away ? 'Back' : 'Away…';
    ui.awayToggle.setAttribute('aria-pressed', String(away));
    ui.awayToggle.title = away ? `Away: ${model.myAway} — click when you are back` : 'Set an away status others see by your name (/away why)';
  };
  ui.awayToggle.addEventListener('click', () => {
    if (model.myAway) {
      actions.setAway('');
      return;
    }
    ui.input.value = '/away ';
    ui.input.focus();
  });
  ui.input.addEventListener('input', () => {
    const frame = notifier.frameFor(model.activeConv, ui.input.value, model.now().getTime());
    if (frame && connection.online) connection.send(frame);
  });
  setInterval(render, 1000);
  return { render };
}
