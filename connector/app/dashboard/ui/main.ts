import { lang, messages, templates } from 'recouvra:locale';
import { startDashboard } from './app';

const target = document.getElementById('app');
if (target)
  void startDashboard({ target, lang, messages, templates, fetch: (input, init) => window.fetch(input, init) });
