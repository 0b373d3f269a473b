import { mount } from 'svelte';
import App from './App.svelte';
import { localiser } from '@/src/popup/i18n';
import './style.css';

const target = document.getElementById('app');
if (!target) throw new Error('popup.html has no #app element');

// The static `lang="en"` is right only for English; screen readers pick their voice from it.
document.documentElement.lang = localiser.language;

export default mount(App, { target });
