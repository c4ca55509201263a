extension Templates {
    static let connections = #"""
    {{> head}}
    <h1>{{chrome.t.connectionsTitle}}</h1>
    <div class="toolbar">
      <form method="get" action="/connections" class="place">
        {{#chrome.hasAccounts}}{{#chrome.accounts}}{{#selected}}<input type="hidden" name="account" value="{{value}}">{{/selected}}{{/chrome.accounts}}{{/chrome.hasAccounts}}
        <select name="place" id="place-select" class="autosubmit">
          {{#places}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/places}}
        </select>
        {{#showDisconnected}}<input type="hidden" name="disconnected" value="1">{{/showDisconnected}}
        <button type="submit" class="js-hidden">OK</button>
      </form>
      <a class="button" href="{{chrome.appsURL}}" id="see-apps">{{chrome.t.seeApps}}</a>
      <a href="{{toggleDisconnectedURL}}" id="toggle-disconnected">{{#showDisconnected}}{{chrome.t.hideDisconnected}}{{/showDisconnected}}{{^showDisconnected}}{{chrome.t.showDisconnected}}{{/showDisconnected}}</a>
    </div>
    {{#hasRows}}
    <table class="connections" id="connections">
      <thead><tr>
        <th>{{chrome.t.app}}</th><th>{{chrome.t.instance}}</th><th>{{chrome.t.level}}</th><th>{{chrome.t.location}}</th>
        <th>{{chrome.t.status}}</th><th>{{chrome.t.lastRequest}}</th><th class="number">{{chrome.t.requests}}</th><th></th>
      </tr></thead>
      <tbody>
      {{#rows}}
      <tr id="connection-{{id}}" data-connection="{{id}}" data-status="{{statusKey}}">
        <td class="app">{{app}}</td>
        <td class="instance">{{#instance}}{{.}}{{/instance}}</td>
        <td>{{level}}</td>
        <td>{{place}}</td>
        <td><span class="status status-{{statusKey}}">{{status}}</span>{{#health}} <span class="health health-{{healthKey}}">{{.}}</span>{{/health}}</td>
        <td>{{lastRequest}}</td>
        <td class="number requests">{{requests}}{{#waiting}}<br><a href="{{hubCallbackURL}}" class="waiting-events">{{.}}</a>{{/waiting}}</td>
        <td class="actions">
          <details class="menu">
            <summary class="actions-button">{{chrome.t.actions}}</summary>
            <ul>
              {{#openURL}}<li><a href="{{.}}" target="_blank" rel="noopener noreferrer" class="action-open">{{chrome.t.open}}</a></li>{{/openURL}}
              <li><a href="{{activityURL}}" class="action-activity">{{chrome.t.showActivity}}</a></li>
              <li><a href="{{logsURL}}" class="action-logs">{{chrome.t.seeLogs}}</a></li>
              <li><a href="{{hubCallbackURL}}" class="action-hub-callback">{{chrome.t.hubCallback}}</a></li>
              {{#isActive}}<li><a href="{{confirmBlockURL}}" class="action-block">{{chrome.t.block}}</a></li>{{/isActive}}
              {{#isBlocked}}<li><form method="post" action="{{unblockAction}}"><input type="hidden" name="csrf" value="{{chrome.csrf}}"><button type="submit" class="action-unblock">{{chrome.t.unblock}}</button></form></li>{{/isBlocked}}
              {{#canReconnect}}<li><a href="{{reconnectURL}}" class="action-reconnect">{{chrome.t.reconnect}}</a></li>{{/canReconnect}}
              {{^isDisconnected}}<li><a href="{{confirmDisconnectURL}}" class="action-disconnect">{{chrome.t.disconnect}}</a></li>{{/isDisconnected}}
              {{#isDisconnected}}<li><a href="{{callbacksURL}}" class="action-callbacks">{{chrome.t.callbacks}}</a></li>{{/isDisconnected}}
            </ul>
          </details>
        </td>
      </tr>
      {{/rows}}
      </tbody>
    </table>
    {{/hasRows}}
    {{^hasRows}}<p class="empty" id="no-connections">{{chrome.t.noConnections}}</p>{{/hasRows}}
    {{> foot}}
    """#

    static let confirm = #"""
    {{> head}}
    <section class="confirm">
      <h1>{{question}}</h1>
      <p class="app-name">{{app}}</p>
      <p>{{explanation}}</p>
      {{#advice}}<p class="advice" id="advice">{{.}}</p>{{/advice}}
      <form method="post" action="{{action}}" id="confirm-form">
        <input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <button type="submit" id="confirm" class="danger">{{chrome.t.confirm}}</button>
        <a href="{{cancelURL}}" id="cancel">{{chrome.t.cancel}}</a>
      </form>
    </section>
    {{> foot}}
    """#

    static let reconnect = #"""
    {{> head}}
    <section class="form-page">
      <h1>{{chrome.t.reconnect}} · {{app}}</h1>
      <p>{{chrome.t.reconnectExplanation}}</p>
      {{#error}}<p class="error" role="alert">{{.}}</p>{{/error}}
      <form method="post" action="{{action}}" id="reconnect-form">
        <input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <label>{{chrome.t.catalog}}
          {{#hasCatalogs}}<select name="catalog_id" id="catalog-choice">{{#catalogs}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/catalogs}}</select>{{/hasCatalogs}}
          {{^hasCatalogs}}<input name="catalog_id" value="{{catalog}}">{{/hasCatalogs}}</label>
        <label>{{chrome.t.customerList}}
          {{#hasCustomerLists}}<select name="customer_list_id" id="customer-list-choice">{{#customerLists}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/customerLists}}</select>{{/hasCustomerLists}}
          {{^hasCustomerLists}}<input name="customer_list_id" value="{{customerList}}">{{/hasCustomerLists}}</label>
        <button type="submit" id="reconnect-submit">{{chrome.t.reconnect}}</button>
        <a href="{{cancelURL}}">{{chrome.t.cancel}}</a>
      </form>
    </section>
    {{> foot}}
    """#

    static let apps = #"""
    {{> head}}
    <h1>{{chrome.t.availableApps}}</h1>
    <div class="toolbar">
      <form method="get" action="/apps" class="place">
        {{#chrome.hasAccounts}}{{#chrome.accounts}}{{#selected}}<input type="hidden" name="account" value="{{value}}">{{/selected}}{{/chrome.accounts}}{{/chrome.hasAccounts}}
        <select name="place" id="place-select" class="autosubmit">
          {{#places}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/places}}
        </select>
        <button type="submit" class="js-hidden">OK</button>
      </form>
    </div>
    <table class="apps" id="apps">
      <thead><tr><th>{{chrome.t.app}}</th><th>{{chrome.t.level}}</th><th>{{chrome.t.scope}}</th><th></th></tr></thead>
      <tbody>
      {{#rows}}
      <tr id="app-{{id}}">
        <td class="app">{{name}}</td><td>{{level}}</td><td><code>{{scope}}</code></td>
        <td>
          {{#canConnect}}<a class="button connect" href="{{connectURL}}" id="connect-{{id}}">{{chrome.t.connect}}</a>{{/canConnect}}
          {{^canConnect}}<button type="button" class="connect" id="connect-{{id}}" disabled aria-disabled="true" title="{{reason}}">{{chrome.t.connect}}</button>
          <span class="reason" id="reason-{{id}}">{{reason}}</span>{{/canConnect}}
        </td>
      </tr>
      {{/rows}}
      </tbody>
    </table>
    {{> foot}}
    """#

    static let grant = #"""
    {{> head}}
    <section class="form-page grant">
      <h1>{{chrome.t.grantTitle}} · {{app}}</h1>
      <p>{{chrome.t.grantExplanation}}</p>
      <dl class="facts">
        <dt>{{chrome.t.location}}</dt><dd id="grant-place">{{placeLabel}}</dd>
        <dt>{{chrome.t.scope}}</dt><dd><ul class="scope" id="grant-scope">{{#scope}}<li><code>{{.}}</code></li>{{/scope}}</ul></dd>
      </dl>
      {{#error}}<p class="error" role="alert" id="grant-error">{{.}}</p>{{/error}}
      <form method="post" action="{{action}}" id="grant-form">
        <input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <input type="hidden" name="place" value="{{place}}">
        {{#account}}<input type="hidden" name="account" value="{{.}}">{{/account}}
        <label>{{chrome.t.catalog}} <small>({{chrome.t.optional}})</small> <input name="catalog_id" id="catalog"></label>
        <label>{{chrome.t.customerList}} <small>({{chrome.t.optional}})</small> <input name="customer_list_id" id="customer-list"></label>
        <label>{{chrome.t.deviceID}} <small>({{chrome.t.optional}})</small> <input name="device_id" id="device-id"></label>
        <button type="submit" id="grant-submit">{{chrome.t.connect}}</button>
        <a href="{{cancelURL}}">{{chrome.t.cancel}}</a>
      </form>
    </section>
    {{> foot}}
    """#

    static let authorize = #"""
    {{> head}}
    <section class="form-page grant">
      <h1>{{chrome.t.grantTitle}} · {{app}}</h1>
      <p>{{chrome.t.grantExplanation}}</p>
      <dl class="facts">
        <dt>{{chrome.t.scope}}</dt><dd><ul class="scope" id="grant-scope">{{#scope}}<li><code>{{.}}</code></li>{{/scope}}</ul></dd>
      </dl>
      <form method="post" action="{{action}}" id="authorize-form">
        <input type="hidden" name="csrf" value="{{chrome.csrf}}">
        <input type="hidden" name="client_id" value="{{clientID}}">
        <input type="hidden" name="redirect_uri" value="{{redirectURI}}">
        <input type="hidden" name="state" value="{{state}}">
        <input type="hidden" name="device_id" value="{{deviceID}}">
        <input type="hidden" name="code_challenge" value="{{codeChallenge}}">
        <fieldset class="places"><legend>{{chrome.t.location}}</legend>
          {{#places}}
          <label class="place-choice"><input type="radio" name="place" value="{{value}}" {{#selected}}checked{{/selected}} {{^enabled}}disabled{{/enabled}}> {{label}}
          {{#reason}}<span class="reason">{{.}}</span>{{/reason}}</label>
          {{/places}}
        </fieldset>
        {{#asksCatalog}}<label class="list-choice">{{chrome.t.catalog}}
          {{#hasCatalogs}}<select name="catalog_id" id="catalog-choice" class="place-list">{{#catalogs}}<option value="{{value}}" data-location="{{location}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/catalogs}}</select>{{/hasCatalogs}}
          {{^hasCatalogs}}<span class="reason">{{chrome.t.noListRegistered}}</span>{{/hasCatalogs}}</label>{{/asksCatalog}}
        {{#asksCustomerList}}<label class="list-choice">{{chrome.t.customerList}}
          {{#hasCustomerLists}}<select name="customer_list_id" id="customer-list-choice" class="place-list">{{#customerLists}}<option value="{{value}}" data-location="{{location}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/customerLists}}</select>{{/hasCustomerLists}}
          {{^hasCustomerLists}}<span class="reason">{{chrome.t.noListRegistered}}</span>{{/hasCustomerLists}}</label>{{/asksCustomerList}}
        {{#canApprove}}<button type="submit" name="decision" value="approve" id="approve">{{chrome.t.authorize}}</button>{{/canApprove}}
        <button type="submit" name="decision" value="deny" id="deny" class="secondary">{{chrome.t.deny}}</button>
      </form>
    </section>
    {{> foot}}
    """#

    static let token = #"""
    {{> head}}
    <section class="form-page token">
      <h1>{{app}}</h1>
      <p id="token-message">{{message}}</p>
      <dl class="facts">
        <dt>{{chrome.t.accessToken}}</dt><dd><code id="access-token">{{token}}</code></dd>
        <dt>{{chrome.t.scope}}</dt><dd><code>{{scope}}</code></dd>
      </dl>
      <p class="advice">{{chrome.t.tokenShownOnce}}</p>
      <p><a href="{{connectionsURL}}" id="back-to-connections">{{chrome.t.connectionsTitle}}</a> · <a href="{{logsURL}}">{{chrome.t.seeLogs}}</a></p>
    </section>
    {{> foot}}
    """#
}
