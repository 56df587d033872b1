import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import vueParser from 'vue-eslint-parser'
import globals from 'globals'
import { impureGlobals, layersPlugin, pureFiles, pureIgnores } from './lint/layers.mjs'

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'artifacts/**', 'src/main/traces/protocol/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
  },
  {
    files: ['src/renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // The renderer is sandboxed: Node built-ins must never be imported there.
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path', 'child_process', 'os', 'net', 'electron'] }],
    },
  },
  {
    files: ['src/main/**/*.ts', 'src/cli/**/*.ts', 'src/preload/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', '*.ts', '*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['scripts/**/*.cjs', 'bin/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Meshdeck's layers (lint/layers.mjs, docs/ARCHITECTURE.md): pure vs io/, entries, folder order.
    files: ['src/**/*.{ts,vue}'],
    plugins: { meshdeck: layersPlugin },
    rules: { 'meshdeck/layers': 'error' },
  },
  {
    // Pure code does not act on the world or the clock: its caller passes time, timers and settings in.
    files: pureFiles,
    ignores: pureIgnores,
    rules: {
      'no-restricted-globals': ['error', ...impureGlobals.map((name) => ({ name, message: `Pure code does not use ${name}; move this into an io/ folder or take it as a parameter.` }))],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
)
